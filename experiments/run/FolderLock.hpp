#pragma once
// An exclusive advisory lock (flock) on a folder, held for as long as the
// object lives. An experiment holds one on OUT.partial/ while it writes there,
// so that a second `crmsim run` on the same output (started in another
// terminal, say with --overwrite) is refused instead of deleting the first
// one's runs or mixing its own among them. The kernel drops the lock with
// the process: a run killed with kill -9 leaves no stale lock, and --resume
// can take it again at once.
#include <string>

namespace experiments {

class FolderLock {
public:
    FolderLock() = default;
    ~FolderLock();
    FolderLock(const FolderLock&) = delete;
    FolderLock& operator=(const FolderLock&) = delete;

    // Takes the lock without waiting: false if another process holds it.
    // Throws std::runtime_error if the folder cannot be opened.
    bool try_lock(const std::string& folder);
    void release();

private:
    int fd_ = -1;
};

// True if some other process holds the lock on `folder` right now.
bool folder_is_locked(const std::string& folder);

}  // namespace experiments
