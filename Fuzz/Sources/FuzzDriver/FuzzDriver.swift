/// The one piece every fuzz target shares: handing libFuzzer the function it calls with each input.
///
/// SwiftPM links an executable with its `main` renamed to `<Target>_main`, and libFuzzer brings its own `main`; a
/// target therefore exports `<Target>_main` itself and calls ``runFuzzer(_:_:_:)`` from it, which runs libFuzzer's
/// driver (`LLVMFuzzerRunDriver`) with the command line and the target's function.

/// The function libFuzzer calls with each input: the bytes and their count. It returns 0; a crash, a hang beyond
/// `-timeout` or memory beyond `-rss_limit_mb` is what the fuzzer reports.
public typealias FuzzBody = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ body: FuzzBody
) -> CInt

/// Runs libFuzzer on `body` with the process's command line (libFuzzer's flags and corpus folders).
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ body: FuzzBody) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, body)
}

/// The input as text: invalid UTF-8 reads as U+FFFD, as any file the lab reads would.
public func text(_ data: UnsafePointer<UInt8>?, _ size: Int) -> String {
    guard let data, size > 0 else { return "" }
    return String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
}
