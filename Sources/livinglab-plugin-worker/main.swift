// livinglab-plugin-worker: runs one plugin in its own process for IsolatedPluginInstance.
// It speaks length-prefixed JSON frames on stdin/stdout; see WorkerChannel in LivingLabRuntime.
@_spi(Worker) import LivingLabRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

exit(WorkerLoop.run())
