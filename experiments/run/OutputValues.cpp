#include "experiments/run/OutputValues.hpp"

#include <limits>
#include <string>

namespace experiments {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Doubles = std::vector<double>;

// A /summary column per run and firm (a failed run's -1 or NaN becomes NaN).
RunValues summary_values(const sim::h5::Group& root, const std::vector<RunRecord>& records, const std::string& metric,
                         std::size_t firms) {
    const Doubles column = root.open_group("summary").read_doubles(metric);
    RunValues out(records.size(), Doubles(firms, kNaN));
    for (std::size_t r = 0; r < records.size(); ++r)
        if (records[r].status == "complete")
            for (std::size_t f = 0; f < firms; ++f) out[r][f] = column[r * firms + f];
    return out;
}

// Per firm, the sum of `column` over the ticks of `o`, and how many rows
// were summed.
struct WindowSums {
    Doubles sum, rows;
};

WindowSums window_sums(const sim::h5::Group& ts, const std::string& column, const SensitivityOutput& o,
                       std::size_t firms) {
    const auto tick = ts.read_ints("tick");
    const auto firm = ts.read_ints("firm");
    const Doubles value = ts.read_doubles(column);
    WindowSums w{Doubles(firms, 0.0), Doubles(firms, 0.0)};
    for (std::size_t row = 0; row < tick.size(); ++row) {
        if (tick[row] < o.from_tick || tick[row] > o.to_tick) continue;
        const auto f = static_cast<std::size_t>(firm[row]);
        w.sum[f] += value[row];
        w.rows[f] += 1;
    }
    return w;
}

// One run's time-series output per firm: the column's mean over the window,
// or a ratio of window sums (per: another column, or per: market, the sum
// over every firm).
Doubles series_output(const sim::h5::Group& ts, const SensitivityOutput& o, std::size_t firms) {
    const WindowSums own = window_sums(ts, o.column, o, firms);
    Doubles out(firms, kNaN);
    if (o.per.empty()) {
        for (std::size_t f = 0; f < firms; ++f)
            if (own.rows[f] > 0) out[f] = own.sum[f] / own.rows[f];
        return out;
    }
    Doubles denominator(firms, 0.0);
    if (o.per == "market") {
        double total = 0;
        for (const double s : own.sum) total += s;
        denominator.assign(firms, total);
    } else {
        denominator = window_sums(ts, o.per, o, firms).sum;
    }
    for (std::size_t f = 0; f < firms; ++f)
        if (own.rows[f] > 0 && denominator[f] != 0) out[f] = own.sum[f] / denominator[f];
    return out;
}

RunValues series_values(const sim::h5::Group& root, const std::vector<RunRecord>& records, const SensitivityOutput& o,
                        std::size_t firms) {
    RunValues out(records.size(), Doubles(firms, kNaN));
    for (std::size_t r = 0; r < records.size(); ++r)
        if (records[r].status == "complete")
            out[r] = series_output(root.open_group("runs/" + std::to_string(records[r].spec.run_id) + "/timeseries"), o,
                                   firms);
    return out;
}

// A TARP cell per run and firm: retained / customers of that group (NaN when
// no observation of it completed).
RunValues tarp_values(const sim::h5::Group& root, const std::vector<RunRecord>& records, const SensitivityOutput& o,
                      std::size_t firms) {
    RunValues out(records.size(), Doubles(firms, kNaN));
    for (std::size_t r = 0; r < records.size(); ++r) {
        if (records[r].status != "complete") continue;
        const sim::h5::Group t = root.open_group("runs/" + std::to_string(records[r].spec.run_id) + "/tarp");
        const auto firm = t.read_ints("firm");
        const auto severity = t.read_strings("severity");
        const auto outcome = t.read_strings("outcome");
        const Doubles customers = t.read_doubles("customers");
        const Doubles retained = t.read_doubles("retained");
        for (std::size_t row = 0; row < firm.size(); ++row)
            if (severity[row] == o.tarp_severity && outcome[row] == o.tarp_outcome && customers[row] > 0)
                out[r][static_cast<std::size_t>(firm[row])] = retained[row] / customers[row];
    }
    return out;
}

}  // namespace

RunValues output_values(const sim::h5::Group& root, const std::vector<RunRecord>& records,
                        const SensitivityOutput& output, std::size_t firms) {
    if (!output.tarp_outcome.empty()) return tarp_values(root, records, output, firms);
    return output.metric.empty() ? series_values(root, records, output, firms)
                                 : summary_values(root, records, output.metric, firms);
}

}  // namespace experiments
