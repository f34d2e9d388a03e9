#pragma once
// Bad input that is not inside the config file: command-line arguments, an
// output file that exists, an output folder that cannot be written. Like a
// ConfigError, it means exit status 2 and no output touched.
#include <stdexcept>

namespace experiments {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace experiments
