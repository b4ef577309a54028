// negsim's outputs, all of them: the trace writers (trace.hpp), the Monte
// Carlo outputs (outputs.hpp) and the plots and HTML report (html_report.hpp).
#pragma once

#include "negsim/html_report.hpp"
#include "negsim/outputs.hpp"
#include "negsim/trace.hpp"
