#pragma once
// Output paths that crmsim creates or replaces are never followed through a
// symbolic link and never replace a device, pipe or folder: a link planted
// at OUT.h5, OUT.h5.partial/ or a run's file must not make crmsim write to
// (or rename over) whatever the link points to. The rule (docs/reliability.md):
// the last component of every path crmsim writes is looked at itself (lstat),
// files are created with O_CREAT | O_EXCL | O_NOFOLLOW, and renames go
// through a descriptor of the folder that holds both names.
#include <string>

namespace experiments {

enum class EntryKind { Missing, Regular, Folder, Link, Other };

// What `path`'s last component is, without following a link.
EntryKind entry_kind(const std::string& path);
// "a symbolic link", "a device, pipe or socket", ... for messages.
std::string describe_entry(EntryKind kind);

// Makes `path` a new, empty regular file that this process created: an old
// file or link of that name is removed (the link, never its target) and the
// file is created exclusively, without following links. HDF5 then opens it
// by name, so `verify_regular` is called again before it is trusted.
void claim_new_file(const std::string& path);
// Throws std::runtime_error unless `path` is a regular file (not a link).
void verify_regular(const std::string& path);
// Renames `from` to `to` through descriptors of their folders (held open
// for the check and the rename); throws, renaming nothing, if `to` is a link
// or anything but a regular file: a rename would replace the link itself.
void rename_no_follow(const std::string& from, const std::string& to);

// The longest file name this file system takes in `folder` (NAME_MAX).
long longest_name(const std::string& folder);

}  // namespace experiments
