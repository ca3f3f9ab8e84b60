/** Files imported with a `?text` suffix are bundled as their text (see scripts/build.mjs). */
declare module '*?text' {
  const text: string;
  export default text;
}
