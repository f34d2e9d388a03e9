#pragma once
// The table of time-series columns for the docs (docs/metrics.md), written
// from the metric registry (models/market/FirmMetrics.hpp) by `crmsim
// metrics`; a unit test checks that the docs hold exactly this table.
#include <ostream>

namespace experiments {

// A Markdown table: one row per column of /runs/<id>/timeseries, in order,
// with its type, unit and description.
void write_metrics_table(std::ostream& out);

}  // namespace experiments
