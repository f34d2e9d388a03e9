#include "experiments/run/FolderLock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace experiments {

FolderLock::~FolderLock() {
    release();
}

bool FolderLock::try_lock(const std::string& folder) {
    release();
    fd_ = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error("cannot open " + folder + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return true;
    const int error = errno;
    release();
    if (error == EWOULDBLOCK) return false;
    throw std::runtime_error("cannot lock " + folder + ": " + std::strerror(error));
}

void FolderLock::release() {
    if (fd_ >= 0) ::close(fd_);  // closing the only descriptor drops the lock
    fd_ = -1;
}

bool folder_is_locked(const std::string& folder) {
    FolderLock probe;
    return !probe.try_lock(folder);
}

}  // namespace experiments
