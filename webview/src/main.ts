// Entry point of the graph panel webview; replaced by the real panel.
export {};
