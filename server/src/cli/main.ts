// Entry point of the `dagstudio` command line; replaced by the real CLI.
process.exit(0);
