#include "experiments/run/StoredExperiment.hpp"

#include "experiments/config/Sha256.hpp"
#include "experiments/run/UsageError.hpp"

#include <filesystem>
#include <fstream>

namespace experiments {
namespace {

// What a rerun needs from a results file: its resolved config and its inputs.
struct StoredInputs {
    std::string config;            // the resolved config (YAML)
    std::string config_file;       // the path the experiment's config was read from
    std::vector<InputFile> files;  // the /inputs table; content set for stored edge lists
};

sim::h5::File open_results(const std::string& path) {
    if (!is_hdf5_file(path))
        throw UsageError(path +
                         ": not a crmsim results file (no HDF5 signature); give a config (YAML) or a results file");
    try {
        sim::h5::File file(path, sim::h5::Mode::ReadOnly);
        const sim::h5::Group root = file.root();
        if (!root.has_attribute("format") || root.string_attribute("format") != "crmsim-results")
            throw UsageError(path + ": not a crmsim results file (no format attribute \"crmsim-results\")");
        if (!root.has_attribute("config") || !root.has("inputs"))
            throw UsageError(path +
                             ": written by an older crmsim, it keeps no inputs and cannot rerun itself; "
                             "run its config file instead");
        return file;
    } catch (const sim::h5::Error& e) {
        throw UsageError(path + ": a crmsim results file, but damaged: " + e.what());
    }
}

StoredInputs read_stored_inputs(const std::string& path) {
    const sim::h5::File file = open_results(path);
    try {
        const sim::h5::Group root = file.root();
        StoredInputs stored;
        stored.config = root.string_attribute("config");
        stored.config_file = root.string_attribute("config_file");
        const sim::h5::Group inputs = root.open_group("inputs");
        const auto paths = inputs.read_strings("path"), roles = inputs.read_strings("role"),
                   digests = inputs.read_strings("sha256");
        if (roles.size() != paths.size() || digests.size() != paths.size())
            throw UsageError(path + ": a crmsim results file, but damaged: the /inputs columns differ in length");
        for (std::size_t k = 0; k < paths.size(); ++k) {
            InputFile f;
            f.path = paths[k];
            f.role = role_from_name(roles[k]);
            f.sha256 = digests[k];
            if (f.role == InputRole::EdgeList) {
                const std::string bytes = inputs.open_group("stored").read_bytes(f.sha256);
                // A stored copy that no longer matches its digest is damage, not the input.
                if (sha256_hex(bytes) != f.sha256)
                    throw UsageError(path + ": a crmsim results file, but damaged: the stored copy of " + f.path +
                                     " does not match its SHA-256 digest");
                f.size = bytes.size();
                f.content = std::make_shared<const std::string>(bytes);
            }
            stored.files.push_back(std::move(f));
        }
        return stored;
    } catch (const sim::h5::Error& e) {
        throw UsageError(path + ": a crmsim results file, but damaged: " + e.what());
    } catch (const std::invalid_argument& e) {
        throw UsageError(path + ": a crmsim results file, but damaged: " + e.what());
    }
}

}  // namespace

void write_inputs(const sim::h5::Group& root, const InputFiles& inputs) {
    const sim::h5::Group g = root.create_group("inputs");
    g.set_attribute("description",
                    "every file the experiment read, with its SHA-256 digest; stored/<sha256> holds the bytes of "
                    "each edge list, so that `crmsim run THIS.h5 -o NEW.h5` reruns the experiment");
    std::vector<std::string> path, role, digest;
    std::vector<std::int64_t> size;
    const sim::h5::Group stored = g.create_group("stored");
    for (const InputFile& f : inputs.files()) {
        path.push_back(f.path);
        role.push_back(role_name(f.role));
        digest.push_back(f.sha256);
        size.push_back(static_cast<std::int64_t>(f.size));
        if (f.role == InputRole::EdgeList && f.content && !stored.has(f.sha256))
            stored.write_bytes(f.sha256, *f.content, "the bytes of edge list " + f.path);
    }
    g.write_column("path", path, "the file as it was read (joined with the config's folder)");
    g.write_column("role", role, "config, policy (a file a policy or scenario uses) or edge_list");
    g.write_column("sha256", digest, "SHA-256 digest of the file's bytes (as sha256sum prints it)");
    g.write_column("bytes", size, "bytes", "the file's size");
}

bool is_hdf5_file(const std::string& path) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) return false;
    std::ifstream in(path, std::ios::binary);
    char head[8] = {};
    in.read(head, sizeof head);
    return in.gcount() == 8 && std::string(head, 8) == std::string("\x89HDF\r\n\x1a\n", 8);
}

ExperimentConfig load_stored_experiment(const std::string& results, const std::vector<std::string>& overrides) {
    const StoredInputs stored = read_stored_inputs(results);
    auto inputs = std::make_shared<InputFiles>();
    // The config is the stored one; it is listed as read from the results file.
    inputs->keep(results, InputRole::Config, stored.config);
    for (const InputFile& f : stored.files)
        if (f.content) inputs->keep(f.path, f.role, *f.content);
    // Relative paths (edge lists) resolve against the original config's
    // folder, as they did when the experiment ran: the stored copies answer.
    const std::string parent = std::filesystem::path(stored.config_file).parent_path().string();
    const ConfigText source{results + " (its stored config)", stored.config, parent.empty() ? "." : parent};
    ExperimentConfig config = load_experiment_config(source, overrides, inputs);
    config.file = results;
    return config;
}

std::string stored_config_yaml(const std::string& results) {
    const StoredInputs stored = read_stored_inputs(results);
    std::string header = "# The resolved config of " + results + " (first read from " + stored.config_file +
                         "): every value the experiment used, policy files inlined.\n"
                         "# Edit and run it with `crmsim run THIS.yaml -o OUT.h5`, or rerun the results file itself "
                         "with `crmsim run " +
                         results + " -o OUT.h5`.\n";
    for (const InputFile& f : stored.files)
        if (f.role == InputRole::EdgeList)
            header += "# It reads edge list " + f.path + " (sha256 " + f.sha256 + "), stored in " + results +
                      "; a relative network.path is read from the folder of the config you run.\n";
    return header + stored.config;
}

}  // namespace experiments
