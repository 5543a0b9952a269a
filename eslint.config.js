// ESLint for our own JavaScript: the pages' assets and their Node tests (docs/site.md).
import js from "@eslint/js";
import globals from "globals";

const PURE = ["api.js", "cancellation.js", "embed.js", "fields.js", "flow.js", "format.js",
              "ics.js", "snippet.js", "tracking.js", "waiting.js"];

export default [
  {ignores: ["node_modules/", ".venv/", "_site/", "test-artifacts/", "tests/sitegen/golden/"]},
  js.configs.recommended,
  {
    files: ["sitegen/templates/assets/**/*.js"],
    // ES2020 syntax at most: the browsers that run module scripts since 2020
    languageOptions: {ecmaVersion: 2020, sourceType: "module"},
    rules: {
      // sitegen rewrites imports to content-hashed names: a dynamic import() only of a
      // plain "./<name>.js" string, which it rewrites too (anything else it would not see,
      // and the page would load an unhashed, missing file)
      "no-restricted-syntax": ["error", {
        selector: "ImportExpression:not([source.type='Literal'][source.value=/^\\.\\/[A-Za-z0-9_-]+\\.js$/])",
        message: 'import() only of a "./<name>.js" string: the build hashes it'}],
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "always", {null: "ignore"}],
    },
  },
  {
    files: ["sitegen/templates/assets/**/*.js"],
    ignores: PURE.map((name) => `sitegen/templates/assets/${name}`),
    languageOptions: {globals: globals.browser},
  },
  {
    // No browser globals: what these need comes in as arguments, so Node tests them
    // (tests/js). The state machine and its kin import none of the DOM modules.
    files: PURE.map((name) => `sitegen/templates/assets/${name}`),
    languageOptions: {globals: {fetch: "readonly", URLSearchParams: "readonly"}},
    rules: {"no-restricted-imports": ["error", {patterns: [{
      regex: `^(?!\\./(${PURE.join("|").replace(/\./g, "\\.")})$)`,
      message: "a module without the DOM imports only others without it"}]}]},
  },
  {
    // classic scripts, not modules: they run before the clinic's own script
    files: ["sitegen/templates/assets/boot.js", "sitegen/templates/assets/identity.js"],
    languageOptions: {sourceType: "script",
                      globals: {...globals.browser, module: "readonly"}},
    rules: {"no-var": "off", "prefer-const": "off"},
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: {ecmaVersion: 2022, sourceType: "module", globals: globals.node},
  },
];
