#include "experiments/run/SensitivitySummary.hpp"

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <string>
#include <vector>

namespace experiments {
namespace {

constexpr std::size_t kMaxRowsListed = 60;

int width_of(const std::vector<std::string>& names, int at_least) {
    std::size_t widest = 0;
    for (const auto& name : names) widest = std::max(widest, name.size());
    return std::max(at_least, static_cast<int>(widest) + 2);
}

}  // namespace

void print_sensitivity(const sim::h5::Group& root, std::ostream& out) {
    if (!root.has("sensitivity")) return;
    const sim::h5::Group g = root.open_group("sensitivity");
    const auto method = g.read_strings("method");
    if (method.empty()) return;
    const auto scenario = g.read_strings("scenario");
    const auto policy = g.read_strings("policy");
    const auto output = g.read_strings("output");
    const auto firm = g.read_strings("firm_name");
    const auto parameter = g.read_strings("parameter");
    const auto parameter2 = g.read_strings("parameter2");
    const auto index = g.read_strings("index");
    const auto estimate = g.read_doubles("estimate");
    const auto low = g.read_doubles("ci_low");
    const auto high = g.read_doubles("ci_high");
    const auto n = g.read_ints("n");
    std::vector<std::string> parameters(parameter.size());
    for (std::size_t k = 0; k < parameter.size(); ++k)
        parameters[k] = parameter2[k].empty() ? parameter[k] : parameter[k] + " x " + parameter2[k];
    const bool several =
        std::any_of(scenario.begin(), scenario.end(), [&](const auto& s) { return s != scenario[0]; }) ||
        std::any_of(policy.begin(), policy.end(), [&](const auto& p) { return p != policy[0]; });
    out << "\nsensitivity (" << method.front() << "), " << std::setprecision(3)
        << 100 * g.double_attribute("confidence") << " % percentile bootstrap intervals, "
        << g.int_attribute("bootstrap_resamples") << " resamples, seed " << g.string_attribute("bootstrap_seed")
        << ", replications " << g.string_attribute("replications_use") << ":\n";
    const int output_width = width_of(output, 10), firm_width = width_of(firm, 8);
    const int parameter_width = width_of(parameters, 12);
    if (several)
        out << std::left << std::setw(width_of(scenario, 10)) << "scenario" << std::setw(width_of(policy, 10))
            << "policy";
    out << std::left << std::setw(output_width) << "output" << std::setw(firm_width) << "firm"
        << std::setw(parameter_width) << "parameter" << std::setw(12) << "index" << std::right << std::setw(12)
        << "estimate"
        << "  interval" << std::setw(24) << "n\n";
    std::size_t listed = 0;
    for (std::size_t k = 0; k < index.size() && listed < kMaxRowsListed; ++k, ++listed) {
        if (several)
            out << std::left << std::setw(width_of(scenario, 10)) << scenario[k] << std::setw(width_of(policy, 10))
                << policy[k];
        out << std::left << std::setw(output_width) << output[k] << std::setw(firm_width) << firm[k]
            << std::setw(parameter_width) << parameters[k] << std::setw(12) << index[k] << std::right
            << std::defaultfloat << std::setprecision(4) << std::setw(12) << estimate[k] << "  [" << low[k] << ", "
            << high[k] << "]" << std::setw(8) << n[k] << "\n";
    }
    if (index.size() > listed) out << "... " << index.size() - listed << " more rows: /sensitivity in the file\n";
}

void print_calibration(const sim::h5::Group& root, std::ostream& out) {
    if (!root.has("calibration")) return;
    const sim::h5::Group g = root.open_group("calibration");
    const sim::h5::Group fit = g.open_group("fit");
    const auto parameter = fit.read_strings("parameter");
    const auto estimate = fit.read_doubles("estimate"), low = fit.read_doubles("ci_low"),
               high = fit.read_doubles("ci_high");
    out << "\ncalibration: " << g.int_attribute("trials") << " trials, objective " << g.double_attribute("objective")
        << " (converged: " << g.string_attribute("converged") << ")\n";
    const int width = width_of(parameter, 12);
    out << std::left << std::setw(width) << "parameter" << std::right << std::setw(14) << "estimate"
        << "  95 % interval\n";
    for (std::size_t k = 0; k < parameter.size(); ++k)
        out << std::left << std::setw(width) << parameter[k] << std::right << std::defaultfloat << std::setprecision(5)
            << std::setw(14) << estimate[k] << "  [" << low[k] << ", " << high[k] << "]\n";
    const sim::h5::Group t = g.open_group("targets");
    const auto output = t.read_strings("output");
    const auto firm = t.read_ints("firm");
    const auto value = t.read_doubles("value"), fitted = t.read_doubles("fitted"), z = t.read_doubles("z");
    out << "\n"
        << std::left << std::setw(width_of(output, 12)) << "target" << std::right << std::setw(6) << "firm"
        << std::setw(14) << "value" << std::setw(14) << "fitted" << std::setw(10) << "z\n";
    for (std::size_t k = 0; k < output.size(); ++k)
        out << std::left << std::setw(width_of(output, 12)) << output[k] << std::right << std::setw(6) << firm[k]
            << std::setw(14) << value[k] << std::setw(14) << fitted[k] << std::setw(10) << std::setprecision(3) << z[k]
            << "\n";
}

}  // namespace experiments
