'use strict';
// Built by `node-gyp rebuild` when npm installs this package (a file: dependency of the project).
module.exports = require('./build/Release/vector_graph.node');
