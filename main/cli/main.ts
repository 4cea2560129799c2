// Placeholder: the CLI lands with issue 2.
console.log('pieces-backup: not implemented yet');
