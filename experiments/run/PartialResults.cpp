#include "experiments/run/PartialResults.hpp"

#include "experiments/run/SafePaths.hpp"
#include "experiments/run/UsageError.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace experiments {
namespace fs = std::filesystem;
namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

// Forces a file's (or folder's) data to disk, so a rename after it cannot
// make a half-written file look complete.
void sync_path(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw std::runtime_error("cannot open " + path + " to sync it");
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) throw std::runtime_error("cannot sync " + path + " to disk");
}

std::string run_name(std::uint32_t run_id) {
    char name[32];
    std::snprintf(name, sizeof name, "run-%08u.h5", run_id);
    return name;
}

}  // namespace

PartialResults::PartialResults(const std::string& output_path)
    : output_(output_path), folder_(output_path + ".partial") {}

bool PartialResults::exists() const {
    return entry_kind(folder_) != EntryKind::Missing;
}

void PartialResults::create(const std::string& identity, const std::string& started_at) const {
    // Another run that checked at the same moment may have created it first.
    if (!fs::create_directory(folder_))
        throw UsageError(output_ + ": " + folder_ + " appeared meanwhile: another crmsim run is writing this output");
    write_text(identity_file(), identity);
    write_text(folder_ + "/started_at", started_at);
}

void PartialResults::reopen(const std::string& identity) const {
    if (entry_kind(folder_) != EntryKind::Folder || entry_kind(identity_file()) != EntryKind::Regular)
        throw UsageError(output_ + ": nothing to resume (no " + folder_ + " from an interrupted run)");
    if (read_text(identity_file()) != identity)
        throw UsageError(output_ + ": the config differs from the one the interrupted experiment was started with (" +
                         identity_file() + "); run it with the same config and --set values, or use --overwrite");
}

std::string PartialResults::started_at() const {
    return read_text(folder_ + "/started_at");
}

std::string PartialResults::run_file(std::uint32_t run_id) const {
    return folder_ + "/" + run_name(run_id);
}
std::string PartialResults::run_temp_file(std::uint32_t run_id) const {
    return run_file(run_id) + ".tmp";
}
bool PartialResults::has_run(std::uint32_t run_id) const {
    return entry_kind(run_file(run_id)) != EntryKind::Missing;
}

void PartialResults::commit_run(std::uint32_t run_id) const {
    verify_regular(run_temp_file(run_id));
    sync_path(run_temp_file(run_id));
    rename_no_follow(run_temp_file(run_id), run_file(run_id));
    sync_path(folder_);
}

void PartialResults::remove() const {
    fs::remove_all(folder_);
}

}  // namespace experiments
