// negsim: a thin shell over the library (see negsim/cli.hpp).
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "negsim/cli.hpp"

int main(int argc, char** argv) {
  // Past a file-size limit (ulimit -f, a quota), a write must fail with an
  // error negsim reports, not kill the process mid-file.
  std::signal(SIGXFSZ, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  return negsim::cli::run(args, std::cout, std::cerr);
}
