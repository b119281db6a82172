// prettier for the addon's XML (make lint checks, make format writes), with the
// options of OCA's addon repository template (XML indented by 4, as its
// .editorconfig says). "strict" never adds nor removes whitespace between tags: the
// views, QWeb reports and HTML field values stay byte for byte the same once
// parsed, only the layout of the tags and their attributes changes.
/** @type {import('prettier').Config} */
const config = {
  plugins: [require.resolve("@prettier/plugin-xml")],
  bracketSpacing: false,
  printWidth: 88,
  proseWrap: "always",
  semi: true,
  trailingComma: "es5",
  xmlWhitespaceSensitivity: "strict",
  overrides: [{files: "*.xml", options: {tabWidth: 4}}],
};

module.exports = config;
