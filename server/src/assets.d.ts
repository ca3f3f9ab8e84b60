/** Tree-sitter query files are bundled as text. */
declare module '*.scm' {
  const source: string;
  export default source;
}
