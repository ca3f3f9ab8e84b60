// Entry point of the language server bundle (dist/server/server.js). The transport comes from the
// command line as LSP clients pass it: `--stdio`, `--node-ipc` or `--socket=<port>`.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { DagStudioServer } from './server';

const connection = createConnection(ProposedFeatures.all);
new DagStudioServer(connection).listen();
