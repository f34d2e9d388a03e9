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

// A time-series column at a tick, or its mean over a window, per run and firm.
RunValues series_values(const sim::h5::Group& root, const std::vector<RunRecord>& records, const SensitivityOutput& o,
                        std::size_t firms) {
    RunValues out(records.size(), Doubles(firms, kNaN));
    for (std::size_t r = 0; r < records.size(); ++r) {
        if (records[r].status != "complete") continue;
        const sim::h5::Group ts = root.open_group("runs/" + std::to_string(records[r].spec.run_id) + "/timeseries");
        const auto tick = ts.read_ints("tick");
        const auto firm = ts.read_ints("firm");
        const Doubles value = ts.read_doubles(o.column);
        Doubles sum(firms, 0.0), count(firms, 0.0);
        for (std::size_t row = 0; row < tick.size(); ++row) {
            if (tick[row] < o.from_tick || tick[row] > o.to_tick) continue;
            const auto f = static_cast<std::size_t>(firm[row]);
            sum[f] += value[row];
            count[f] += 1;
        }
        for (std::size_t f = 0; f < firms; ++f) out[r][f] = count[f] > 0 ? sum[f] / count[f] : kNaN;
    }
    return out;
}

}  // namespace

RunValues output_values(const sim::h5::Group& root, const std::vector<RunRecord>& records,
                        const SensitivityOutput& output, std::size_t firms) {
    return output.metric.empty() ? series_values(root, records, output, firms)
                                 : summary_values(root, records, output.metric, firms);
}

}  // namespace experiments
