// The edition's plotly.js bundle: plotly.js core (which registers the scatter trace) plus the
// two other trace types the edition's figures draw, bar and heatmap. Built by build.sh.
'use strict';
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap')]);

module.exports = Plotly;
