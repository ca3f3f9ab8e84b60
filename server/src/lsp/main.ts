// Entry point of the language server bundle (dist/server/server.js). The transport comes from the
// command line as LSP clients pass it: `--stdio`, `--node-ipc` or `--socket=<port>`.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { DagStudioServer } from './server';

const connection = createConnection(ProposedFeatures.all);

// Handlers are guarded one by one; these are the last line, so a stray rejection (a notification
// sent while the client is going away) is logged instead of ending the process mid-session.
process.on('unhandledRejection', (reason) => {
  connection.console.error(`Unhandled rejection: ${reason instanceof Error ? reason.stack ?? reason.message : String(reason)}`);
});
process.on('uncaughtException', (error) => {
  connection.console.error(`Uncaught exception: ${error.stack ?? error.message}`);
});

new DagStudioServer(connection).listen();
