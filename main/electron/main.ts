// Placeholder: the Electron layer lands with issue 4.
export {};
