#pragma once
// The SHA-256 digest of a file's bytes, as 64 lowercase hex digits: what a
// results file records of every input it read (config, policy files, edge
// lists), so that `--resume` and a rerun can tell whether an input changed.
// A cryptographic digest rather than the project's FNV-1a test hash: inputs
// are large and chosen by users, and a digest is only worth checking if two
// different files cannot plausibly share it; sha256sum(1) gives the same text.
#include <string>

namespace experiments {

std::string sha256_hex(const std::string& bytes);

}  // namespace experiments
