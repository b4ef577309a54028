#pragma once

// ThreadSanitizer cannot see the synchronisation inside an uninstrumented
// oneTBB (Debian's is not built with it). These annotations state the
// happens-before edges TBB guarantees - the caller's writes before a
// parallel region reach every task; every task's writes reach the caller
// after it - and nothing more, so races between tasks are still caught.
//
//   char before = 0, after = 0;
//   region_start(&before);
//   tbb::parallel_for(..., [&](...) { task_start(&before); ...; task_end(&after); });
//   region_end(&after);
//
// Without ThreadSanitizer they compile to nothing.

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);
#endif

namespace negsim::detail {

#if defined(__SANITIZE_THREAD__)
inline void region_start(void* edge) { __tsan_release(edge); }
inline void task_start(void* edge) { __tsan_acquire(edge); }
inline void task_end(void* edge) { __tsan_release(edge); }
inline void region_end(void* edge) { __tsan_acquire(edge); }
#else
inline void region_start(void*) {}
inline void task_start(void*) {}
inline void task_end(void*) {}
inline void region_end(void*) {}
#endif

}  // namespace negsim::detail
