#include "experiments/run/RunExperiment.hpp"

#include "experiments/config/ConfigError.hpp"
#include "experiments/plan/ExperimentPlan.hpp"
#include "experiments/run/AssembleResults.hpp"
#include "experiments/run/BuildNetwork.hpp"
#include "experiments/run/ExecuteRun.hpp"
#include "experiments/run/FolderLock.hpp"
#include "experiments/run/KeptRunCheck.hpp"
#include "experiments/run/MemoryBudget.hpp"
#include "experiments/run/PartialResults.hpp"
#include "experiments/run/Provenance.hpp"
#include "experiments/run/RunConfigs.hpp"
#include "experiments/run/SafePaths.hpp"
#include "experiments/run/Summarize.hpp"
#include "experiments/run/UsageError.hpp"
#include "sim/network/EdgeListFile.hpp"
#include "sim/parallel/Threads.hpp"
#include "sim/recording/Hdf5File.hpp"
#include "sim/util/Progress.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <exception>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <thread>

namespace experiments {
namespace fs = std::filesystem;
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Edge-list networks are input: read each file once, up front, so a bad file
// is a clean input error and runs share the network.
using FileNetworks = std::map<std::string, std::unique_ptr<sim::Network>>;
FileNetworks read_file_networks(const std::vector<NetworkFile>& files, const std::string& config_file,
                                InputFiles& inputs) {
    FileNetworks networks;
    for (const NetworkFile& f : files) {
        try {
            // Through the experiment's input files: read once, kept with its
            // digest (and, in a rerun, the copy stored in the results file).
            const std::string& path = f.settings.edge_list_path;
            const auto text = inputs.get(path, InputRole::EdgeList, sim::read_edge_list_text);
            networks[f.key()] = std::make_unique<sim::Network>(sim::parse_edge_list(*text, path, f.customers));
        } catch (const sim::EdgeListError& e) {
            throw ConfigError({config_file, f.settings.line, 0, "network.path"}, std::string("edge list ") + e.what());
        }
    }
    return networks;
}

const sim::Network* file_network(const FileNetworks& networks, const ExperimentConfig& c) {
    if (c.network.kind != NetworkKind::EdgeList) return nullptr;
    return networks.at(NetworkFile{c.network, c.market.population.size}.key()).get();
}

// The results file holds the run files' datasets as they are, plus small
// tables: it needs about their total size. HDF5 1.10 can crash, not fail,
// when the disk fills during the copy, so the space is checked first.
void check_space_to_assemble(const std::string& output, const std::string& partial_folder) {
    std::uintmax_t needed = 1 << 20;
    for (const auto& entry : fs::directory_iterator(partial_folder))
        if (entry.is_regular_file()) needed += entry.file_size();
    needed += needed / 20;
    const fs::path folder = fs::path(output).parent_path().empty() ? fs::path(".") : fs::path(output).parent_path();
    struct statvfs disk {};
    if (statvfs(folder.c_str(), &disk) != 0) return;  // unknown: let the writes tell
    const std::uintmax_t available = std::uintmax_t{disk.f_bavail} * disk.f_frsize;
    if (available < needed)
        throw std::runtime_error("not enough disk space to assemble " + output + ": it needs about " +
                                 std::to_string(needed >> 20) + " MiB, " + std::to_string(available >> 20) +
                                 " MiB are free in " + folder.string());
}

// Threads inside each run: what the user asked for, or the cores shared
// among the runs going on at once.
// --jobs 0 (the default) chooses: many small runs go fastest side by side,
// one thread each (a small run's phases are too short to share among
// threads); big runs go one at a time with every core inside.
constexpr std::uint32_t kSmallPopulation = 200'000;

RunOptions resolve_parallelism(RunOptions o, const ExperimentConfig& base, std::size_t runs) {
    if (o.jobs > 0) return o;
    const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / std::max(1, o.processes));
    const bool small = base.market.population.size < kSmallPopulation;
    o.jobs = small && runs > 1 ? static_cast<int>(std::min<std::size_t>(cores, runs)) : 1;
    return o;
}

int threads_per_run(const RunOptions& o) {
    if (o.threads > 0) return o.threads;
    const int sharing = std::max(1, o.jobs) * std::max(1, o.processes);
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / sharing);
}

std::string runs_done_label(std::size_t done, std::size_t total) {
    return std::to_string(done) + "/" + std::to_string(total) + " runs done  ";
}

// The last frame of the progress display says every run is done ("N/N runs
// done 100%"), not the count before the last run finished.
void show_all_done(sim::Progress& progress, std::size_t runs, std::uint64_t ticks_done) {
    progress.set_label(runs_done_label(runs, runs));
    progress.update(ticks_done);
    progress.finish();
}

// Runs `todo` on `jobs` worker threads, each taking the next run when free.
// The first error that is not a run's own failure (e.g. the disk is full)
// stops the workers and is rethrown.
using RunOne = std::function<void(const RunSpec&, const std::function<void()>& on_tick)>;

void run_all(const std::vector<RunSpec>& todo, const RunOne& run_one, const RunOptions& options,
             sim::Progress& progress) {
    std::atomic<std::size_t> next{0}, finished{0};
    std::atomic<std::uint64_t> ticks_done{0};
    std::atomic<bool> stop{false};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto worker = [&] {
        sim::set_threads(threads_per_run(options));
        for (std::size_t k; !stop && (k = next++) < todo.size(); ++finished) {
            try {
                run_one(todo[k], [&] { ++ticks_done; });
            } catch (...) {
                const std::lock_guard lock(error_mutex);
                if (!error) error = std::current_exception();
                stop = true;
            }
        }
    };
    const std::size_t jobs = std::min<std::size_t>(std::max(1, options.jobs), std::max<std::size_t>(1, todo.size()));
    if (jobs == 1) {
        // In this thread: an OpenMP team led by a second thread while this one
        // only watches wakes up slowly at every barrier on a small machine.
        sim::set_threads(threads_per_run(options));
        for (std::size_t k = 0; k < todo.size(); ++k) {
            progress.set_label(runs_done_label(k, todo.size()));
            run_one(todo[k], [&] { progress.update(++ticks_done); });
        }
        show_all_done(progress, todo.size(), ticks_done);
        return;
    }
    std::vector<std::thread> workers;
    for (std::size_t j = 0; j < jobs; ++j) workers.emplace_back(worker);
    while (finished < todo.size() && !stop) {
        progress.set_label(runs_done_label(finished, todo.size()));
        progress.update(ticks_done);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (auto& w : workers) w.join();
    if (error) std::rethrow_exception(error);
    show_all_done(progress, todo.size(), ticks_done);
}

}  // namespace

bool ExperimentResult::all_complete() const {
    for (const auto& r : runs)
        if (r.status != "complete") return false;
    return true;
}

namespace {

// The output's own name, and OUT.partial beside it, must fit the file
// system: HDF5 and mkdir would fail only after the work (exit 1).
void check_output_name_length(const std::string& output, const fs::path& folder) {
    const std::size_t name = fs::path(output).filename().string().size() + std::string(".partial").size();
    const auto longest = static_cast<std::size_t>(longest_name(folder.string()));
    if (name > longest)
        throw UsageError(output + ": the file name is too long: with the \".partial\" crmsim adds it has " +
                         std::to_string(name) + " bytes, and this file system takes at most " +
                         std::to_string(longest));
    if (output.size() + 64 > PATH_MAX)
        throw UsageError(output + ": the path is too long (" + std::to_string(output.size()) + " bytes; at most " +
                         std::to_string(PATH_MAX - 64) + ")");
}

// OUT itself: a new name, or a regular file to replace. A link is refused,
// wherever it points: the rename that installs the results would replace the
// link itself (e.g. /dev/stdout), and its target would never be written.
void check_output_entry(const std::string& output) {
    const EntryKind kind = entry_kind(output);
    if (kind == EntryKind::Folder) throw UsageError(output + ": is a folder; give a file name (-o OUT.h5)");
    if (kind == EntryKind::Link)
        throw UsageError(output +
                         ": is a symbolic link; crmsim never writes through or replaces a link: give the "
                         "path of a regular file (the link's target, if that is what you mean)");
    // Results replace the output by a rename, which would turn a device such
    // as /dev/null, or a pipe, into a plain file.
    if (kind == EntryKind::Other)
        throw UsageError(output + ": is not a regular file (a device, pipe or socket); give a file name");
}

// OUT.partial: absent, or the folder an interrupted crmsim run left.
void check_partial_entry(const std::string& output, const PartialResults& partial) {
    const EntryKind kind = entry_kind(partial.folder());
    if (kind == EntryKind::Missing || kind == EntryKind::Folder) return;
    throw UsageError(output + ": " + partial.folder() + " is " + describe_entry(kind) +
                     ", not the folder of an interrupted crmsim run; remove it or choose another output");
}

}  // namespace

std::vector<std::string> input_files(const ExperimentConfig& base, const std::vector<std::string>& more) {
    std::vector<std::string> files{base.file};
    for (const InputFile& f : base.inputs->files()) files.push_back(f.path);
    files.insert(files.end(), more.begin(), more.end());
    return files;
}

void check_output_is_not_an_input(const std::string& output, const std::vector<std::string>& inputs) {
    for (const std::string& input : inputs) {
        std::error_code error;
        if (fs::equivalent(output, input, error))
            throw UsageError(output + ": is an input of this experiment (" + input +
                             "); write the results to another file");
    }
}

void check_output_path(const RunOptions& options) {
    const fs::path out(options.output_path);
    if (options.output_path.empty()) throw UsageError("no output file given: use -o OUT.h5");
    if (options.overwrite && options.resume) throw UsageError("--overwrite and --resume exclude each other");
    check_output_entry(options.output_path);
    const PartialResults partial(options.output_path);
    check_partial_entry(options.output_path, partial);
    if (partial.exists() && folder_is_locked(partial.folder()))
        throw UsageError(options.output_path + ": another crmsim run is writing this output now (" + partial.folder() +
                         " is locked); wait for it to finish, or choose another file");
    const bool out_exists = entry_kind(options.output_path) != EntryKind::Missing;
    if (options.resume) {
        if (!partial.exists())
            throw UsageError(options.output_path + ": nothing to resume (no " + partial.folder() +
                             " from an interrupted run)" + (out_exists ? "; the results file is complete" : ""));
        return;
    }
    if (out_exists && !options.overwrite)
        throw UsageError(options.output_path + ": exists; pass --overwrite to replace it");
    if (partial.exists() && !options.overwrite)
        throw UsageError(options.output_path + ": " + partial.folder() +
                         " holds an interrupted run of this output; --resume continues it, --overwrite starts over");
    const fs::path folder = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    if (!fs::is_directory(folder))
        throw UsageError(options.output_path + ": folder " + folder.string() + " does not exist");
    if (access(folder.c_str(), W_OK) != 0)
        throw UsageError(options.output_path + ": folder " + folder.string() + " is not writable");
    check_output_name_length(options.output_path, folder);
}

namespace {

// Automatic --jobs runs no more runs side by side than fit in memory.
RunOptions fit_jobs_to_memory(RunOptions o, bool automatic, const RunMemory& need, const MemoryLimit& limit) {
    if (automatic && need.bytes > 0)
        o.jobs = static_cast<int>(std::clamp<std::uint64_t>(limit.bytes / need.bytes, 1, std::max(1, o.jobs)));
    return o;
}

}  // namespace

struct ExperimentRunner::Prepared {
    ExperimentPlan plan;
    std::unique_ptr<RunConfigs> configs;  // refers to `plan`: built once the plan has its place here
    FileNetworks networks;
    PartialResults partial;
    FolderLock partial_lock;  // held from open_output() until the experiment ends
    Provenance provenance;
    RunMemory memory;  // the largest run's need
    MemoryLimit memory_limit;
    std::chrono::steady_clock::time_point start;
    std::unique_ptr<WarmUps> warm_ups;  // with experiment.warmup and shared warm-ups
};

ExperimentRunner::ExperimentRunner(const ExperimentConfig& base, const RunOptions& options)
    : base_(base), options_(options) {
    const auto start = std::chrono::steady_clock::now();
    prepared_.reset(
        new Prepared{make_plan(base), {}, {}, PartialResults(options.output_path), {}, {}, {}, {}, start, {}});
    Prepared& p = *prepared_;
    p.configs = std::make_unique<RunConfigs>(base, p.plan, options.show_progress);
    p.memory = p.configs->largest_run();
    p.memory_limit = memory_limit();
    options_ = fit_jobs_to_memory(resolve_parallelism(options, base, p.plan.runs.size()), options.jobs == 0, p.memory,
                                  p.memory_limit);
    p.networks = read_file_networks(p.configs->network_files(), base.file, *base.inputs);
    p.provenance = collect_provenance(options.command_line, experiments::threads_per_run(options_));
    if (base.experiment.warmup > 0 && options.share_warm_ups)
        p.warm_ups = std::make_unique<WarmUps>(p.plan.runs, p.plan.common_random_numbers,
                                               static_cast<std::size_t>(std::max(1, options_.jobs)));
}

ExperimentRunner::~ExperimentRunner() = default;

int ExperimentRunner::threads_per_run() const {
    return experiments::threads_per_run(options_);
}
const ExperimentPlan& ExperimentRunner::plan() const {
    return prepared_->plan;
}
std::size_t ExperimentRunner::planned_runs() const {
    return prepared_->plan.runs.size();
}

void ExperimentRunner::lock_partial() {
    if (!prepared_->partial_lock.try_lock(prepared_->partial.folder()))
        throw UsageError(options_.output_path + ": another crmsim run is writing this output now (" +
                         prepared_->partial.folder() + " is locked); wait for it to finish, or choose another file");
}

const RunMemory& ExperimentRunner::run_memory_need() const {
    return prepared_->memory;
}
const MemoryLimit& ExperimentRunner::memory_available() const {
    return prepared_->memory_limit;
}

void ExperimentRunner::check_memory() const {
    const Prepared& p = *prepared_;
    const std::uint64_t jobs = std::max(1, options_.jobs);
    const double need = double(p.memory.bytes) * double(jobs);
    if (need <= double(p.memory_limit.bytes)) return;
    throw UsageError(
        "the experiment needs about " + format_bytes(need) + " of memory (" +
        (jobs > 1 ? std::to_string(jobs) + " runs at once x " : std::string()) + format_bytes(double(p.memory.bytes)) +
        " per run: " + std::to_string(p.memory.customers) + " customers x " +
        format_bytes(p.memory.bytes_per_customer) +
        (p.memory.edges ? " and " + std::to_string(p.memory.edges) + " network edges x 8 B" : std::string()) +
        "), but " + p.memory_limit.source + " allows " + format_bytes(double(p.memory_limit.bytes)) +
        (jobs > 1 ? "; lower --jobs, or population.size" : "; lower population.size (or the network's degree)"));
}

void ExperimentRunner::open_output() {
    Prepared& p = *prepared_;
    check_memory();  // before anything is written
    check_output_is_not_an_input(options_.output_path, input_files(base_));
    const std::string inputs = format_input_list(base_.inputs->files());
    if (options_.resume) {
        p.partial.reopen(base_.resolved_yaml);
        p.partial.check_inputs(inputs);
        lock_partial();
        p.provenance.started_at = p.partial.started_at();
        set_aside_unreadable_runs();
        return;
    }
    // Nothing is written before this point, so a folder that cannot be
    // created (read-only file system) is still bad input.
    try {
        if (p.partial.exists()) {  // --overwrite: start over, unless a live run owns it
            lock_partial();
            p.partial.remove();
            p.partial_lock.release();
        }
        p.partial.create(base_.resolved_yaml, p.provenance.started_at);
        p.partial.record_inputs(inputs);
    } catch (const UsageError&) {
        throw;
    } catch (const std::exception& e) {
        throw UsageError(options_.output_path + ": cannot write there: " + e.what());
    }
    lock_partial();
}

// A finished run's file is renamed into place only once complete, but a file
// damaged afterwards (a disk error, a copy cut short) would stop every
// --resume at the assembly. It is renamed *.damaged, said so, and run again.
// A readable file that is not the run the plan puts there (copied over
// another, or from an experiment with another seed or config) is renamed
// *.mismatched, said so, and run again too.
void ExperimentRunner::set_aside_unreadable_runs() const {
    const PartialResults& partial = prepared_->partial;
    const auto set_aside = [&](const RunSpec& run, const char* suffix, const std::string& why) {
        const std::string aside = partial.run_file(run.run_id) + suffix;
        fs::rename(partial.run_file(run.run_id), aside);
        std::cerr << "crmsim: run " << run.run_id << "'s finished file " << why << "; it is set aside as " << aside
                  << " and run again\n";
    };
    for (const RunSpec& run : prepared_->plan.runs) {
        if (!partial.has_run(run.run_id)) continue;
        std::optional<std::string> mismatch;
        try {
            if (const EntryKind kind = entry_kind(partial.run_file(run.run_id)); kind != EntryKind::Regular)
                throw std::runtime_error("it is " + describe_entry(kind));
            const sim::h5::File file(partial.run_file(run.run_id), sim::h5::Mode::ReadOnly);
            read_run_record(file.root(), base_.market.firms.size());
            mismatch = kept_run_mismatch(file.root(), run, prepared_->configs->of(run)->resolved_yaml);
        } catch (const std::exception& e) {
            set_aside(run, ".damaged", std::string("cannot be read (") + e.what() + ")");
            continue;
        }
        if (mismatch) set_aside(run, ".mismatched", "is not this run's: " + *mismatch);
    }
}

std::vector<RunSpec> ExperimentRunner::remaining() const {
    std::vector<RunSpec> todo;
    for (const RunSpec& run : prepared_->plan.runs)
        if (!prepared_->partial.has_run(run.run_id)) todo.push_back(run);
    return todo;
}

std::shared_ptr<const WarmedMarket> ExperimentRunner::warmed(const RunSpec& spec, const ExperimentConfig& before_policy,
                                                             const sim::Network* network) const {
    const auto make = [&] { return warm_up(before_policy, spec, network); };
    return prepared_->warm_ups ? prepared_->warm_ups->get(spec, make) : make();
}

void ExperimentRunner::run(const RunSpec& spec, const std::function<void()>& on_tick) const {
    const auto config = prepared_->configs->of(spec);
    const sim::Network* network = file_network(prepared_->networks, *config);
    if (!policy_starts_later(base_, spec)) {
        execute_run(*config, spec, network, prepared_->partial, on_tick);
        return;
    }
    const auto before_policy = prepared_->configs->before_policy(spec);
    PolicyStart start{before_policy.get(), {}};
    if (base_.experiment.warmup > 0) start.warmed = [&] { return warmed(spec, *before_policy, network); };
    execute_run(*config, spec, network, prepared_->partial, on_tick, &start);
}

void ExperimentRunner::run_locally(const std::vector<RunSpec>& todo) const {
    sim::Progress progress(todo.size() * std::uint64_t{base_.experiment.ticks}, "ticks", options_.show_progress);
    run_all(
        todo, [&](const RunSpec& spec, const std::function<void()>& on_tick) { run(spec, on_tick); }, options_,
        progress);
}

ExperimentResult ExperimentRunner::finish(std::size_t resumed_runs) const {
    const Prepared& p = *prepared_;
    ExperimentResult result;
    result.output_path = options_.output_path;
    result.resumed_runs = resumed_runs;
    // Assembled inside OUT.partial/, the folder this experiment made and
    // holds locked, never at a name beside OUT where a link may wait.
    const std::string assembling = p.partial.assembling_file();
    check_space_to_assemble(options_.output_path, p.partial.folder());
    try {
        claim_new_file(assembling);
        result.runs = assemble_results(assembling, base_, p.plan, p.provenance, p.partial);
        verify_regular(assembling);
    } catch (...) {
        std::error_code ignored;
        fs::remove(assembling, ignored);
        throw;
    }
    rename_no_follow(assembling, options_.output_path);
    p.partial.remove();
    result.wall_seconds = seconds_since(p.start);
    return result;
}

ExperimentResult run_experiment(const ExperimentConfig& base, const RunOptions& options) {
    ExperimentRunner runner(base, options);
    runner.open_output();
    const std::vector<RunSpec> todo = runner.remaining();
    runner.run_locally(todo);
    return runner.finish(runner.planned_runs() - todo.size());
}

void print_summary(const ExperimentConfig& base, const ExperimentResult& result, std::ostream& out) {
    const auto& e = base.experiment;
    std::size_t failed = 0;
    for (const auto& r : result.runs) failed += r.status != "complete";
    out << "crmsim: " << e.name << ": " << result.runs.size() << " run(s) x " << e.ticks << " ticks x "
        << base.market.population.size << " customers in " << std::fixed << std::setprecision(2) << result.wall_seconds
        << " s -> " << result.output_path << "\n";
    double simulation = 0, network = 0, agent_ticks = 0;
    for (const auto& r : result.runs) {
        simulation += r.simulation_seconds;
        network += r.network_seconds;
        if (r.status == "complete") agent_ticks += double(base.market.population.size) * e.ticks;
    }
    if (simulation > 0)
        out << "simulation " << simulation << " s (" << std::setprecision(1) << agent_ticks / simulation / 1e6
            << " M agent-ticks/s per run), network builds " << std::setprecision(2) << network << " s\n";
    if (result.resumed_runs) out << "resumed: " << result.resumed_runs << " run(s) were already finished\n";
    if (failed) out << failed << " run(s) failed (see /plan/error)\n";
    SummarizeOptions brief;
    brief.with_provenance = false;
    brief.rows = 24;
    brief.isolated = false;  // this process has just written the file
    summarize_file(result.output_path, out, brief);
}

}  // namespace experiments
