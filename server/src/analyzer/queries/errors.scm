; Syntax errors tree-sitter recovered from: text it skipped, and tokens it had to assume.
(ERROR) @error
(MISSING) @missing
