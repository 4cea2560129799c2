// Spawn options that make a child process an ordinary user. Tests run as root here, and root
// ignores permission bits, so a read-only folder is only read-only to a child that is not root.
export function unprivileged(): { uid?: number; gid?: number } {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
}
