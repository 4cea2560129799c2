// Placeholder: the preload lands with issue 4.
export {};
