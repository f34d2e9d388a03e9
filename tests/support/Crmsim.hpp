#pragma once
// Running the crmsim binary from tests, as a user would, and reading what it
// printed.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace testing_support {

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A word for the shell, in single quotes.
inline std::string quote(const std::string& word) {
    std::string out = "'";
    for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

struct Result {
    int status = -1;  // the exit status; -1 when the process did not exit normally
    std::string out;
    std::string err;
};

inline std::ostream& operator<<(std::ostream& os, const Result& r) {
    return os << "exit " << r.status << "\n--- stdout:\n" << r.out << "--- stderr:\n" << r.err;
}

// Runs a shell command line, capturing stdout and (through `err_file`) stderr.
inline Result run_shell(const std::string& command, const std::filesystem::path& err_file) {
    Result r;
    FILE* pipe = ::popen((command + " 2>" + quote(err_file.string())).c_str(), "r");
    if (!pipe) return r;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) r.out.append(buffer, n);
    const int wait_status = ::pclose(pipe);
    r.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
    r.err = read_file(err_file);
    return r;
}

// `BINARY ARGS...`, each argument quoted for the shell.
inline Result run_program(const std::string& binary, const std::vector<std::string>& args,
                          const std::filesystem::path& err_file) {
    std::string command = quote(binary);
    for (const auto& a : args) command += " " + quote(a);
    return run_shell(command, err_file);
}

}  // namespace testing_support
