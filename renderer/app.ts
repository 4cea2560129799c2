// Placeholder: the renderer lands with issue 4.
export {};
