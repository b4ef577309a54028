// negsim: a thin shell over the library (see negsim/cli.hpp).
#include <iostream>
#include <string>
#include <vector>

#include "negsim/cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return negsim::cli::run(args, std::cout, std::cerr);
}
