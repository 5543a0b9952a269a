// ESLint for our own JavaScript: the pages' assets and their Node tests (docs/site.md).
import js from "@eslint/js";
import globals from "globals";

export default [
  {ignores: ["node_modules/", ".venv/", "_site/", "test-artifacts/", "tests/sitegen/golden/"]},
  js.configs.recommended,
  {
    files: ["templates/assets/**/*.js"],
    languageOptions: {ecmaVersion: 2022, sourceType: "module", globals: globals.browser},
    rules: {
      // sitegen rewrites static imports to content-hashed names; a dynamic import() it
      // would not see, and the page would load an unhashed (missing) file
      "no-restricted-syntax": ["error", {selector: "ImportExpression",
                                         message: "static imports only: the build hashes them"}],
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "always", {null: "ignore"}],
    },
  },
  {
    // classic scripts, not modules: they run before the clinic's own script
    files: ["templates/assets/boot.js", "templates/assets/identity.js"],
    languageOptions: {sourceType: "script",
                      globals: {...globals.browser, module: "readonly"}},
    rules: {"no-var": "off", "prefer-const": "off"},
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: {ecmaVersion: 2022, sourceType: "module", globals: globals.node},
  },
];
