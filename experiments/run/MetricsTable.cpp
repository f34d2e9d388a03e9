#include "experiments/run/MetricsTable.hpp"

#include "models/market/FirmTally.hpp"

#include <string>

namespace experiments {
namespace {

// A table cell's text: a '|' would end the cell.
std::string cell(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (c == '|') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

void write_metrics_table(std::ostream& out) {
    out << "| column | type | unit | description |\n";
    out << "|---|---|---|---|\n";
    for (const sim::ColumnSpec& c : models::firm_tick_columns())
        out << "| `" << c.name << "` | " << (c.type == sim::ColumnType::Int64 ? "int64" : "float64") << " | "
            << cell(c.units) << " | " << cell(c.description) << " |\n";
}

}  // namespace experiments
