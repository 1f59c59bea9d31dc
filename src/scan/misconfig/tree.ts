/** The directory part of a tree path (`a/b/.gitignore` → `a/b/`; a root file → ``). */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash + 1);
}
