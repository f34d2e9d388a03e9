#include "experiments/run/SafePaths.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace experiments {
namespace {

std::runtime_error system_error(const std::string& what, const std::string& path) {
    return std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

EntryKind kind_of(const struct stat& s) {
    if (S_ISREG(s.st_mode)) return EntryKind::Regular;
    if (S_ISDIR(s.st_mode)) return EntryKind::Folder;
    if (S_ISLNK(s.st_mode)) return EntryKind::Link;
    return EntryKind::Other;
}

}  // namespace

EntryKind entry_kind(const std::string& path) {
    struct stat s {};
    if (::lstat(path.c_str(), &s) != 0) return EntryKind::Missing;
    return kind_of(s);
}

std::string describe_entry(EntryKind kind) {
    switch (kind) {
        case EntryKind::Missing:
            return "missing";
        case EntryKind::Regular:
            return "a regular file";
        case EntryKind::Folder:
            return "a folder";
        case EntryKind::Link:
            return "a symbolic link";
        case EntryKind::Other:
            return "a device, pipe or socket";
    }
    return "unknown";
}

void claim_new_file(const std::string& path) {
    const EntryKind kind = entry_kind(path);
    if (kind == EntryKind::Folder || kind == EntryKind::Other)
        throw std::runtime_error("cannot write " + path + ": it is " + describe_entry(kind));
    if (kind != EntryKind::Missing && ::unlink(path.c_str()) != 0) throw system_error("cannot remove", path);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) throw system_error("cannot create", path);
    ::close(fd);
}

void verify_regular(const std::string& path) {
    // O_NOFOLLOW fails on a link; fstat on the descriptor says what was opened.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw system_error("cannot open", path);
    struct stat s {};
    const bool regular = ::fstat(fd, &s) == 0 && S_ISREG(s.st_mode);
    ::close(fd);
    if (!regular) throw std::runtime_error(path + " is not a regular file (replaced while crmsim wrote it?)");
}

void rename_no_follow(const std::string& from, const std::string& to) {
    const auto split = [](const std::string& path) {
        const std::size_t slash = path.rfind('/');
        if (slash == std::string::npos) return std::pair<std::string, std::string>{".", path};
        return std::pair<std::string, std::string>{slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
    };
    const auto [from_folder, from_name] = split(from);
    const auto [to_folder, to_name] = split(to);
    const int source = ::open(from_folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (source < 0) throw system_error("cannot open folder", from_folder);
    const int target = ::open(to_folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (target < 0) {
        ::close(source);
        throw system_error("cannot open folder", to_folder);
    }
    struct stat s {};
    std::string refused;
    if (::fstatat(target, to_name.c_str(), &s, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(s.st_mode))
        refused = "will not replace " + to + ": it is " + describe_entry(kind_of(s));
    const int rc = refused.empty() ? ::renameat(source, from_name.c_str(), target, to_name.c_str()) : 0;
    const int error = errno;
    ::close(source);
    ::close(target);
    if (!refused.empty()) throw std::runtime_error(refused);
    errno = error;
    if (rc != 0) throw system_error("cannot rename " + from + " to", to);
}

long longest_name(const std::string& folder) {
    const long n = ::pathconf(folder.c_str(), _PC_NAME_MAX);
    return n > 0 ? n : NAME_MAX;
}

}  // namespace experiments
