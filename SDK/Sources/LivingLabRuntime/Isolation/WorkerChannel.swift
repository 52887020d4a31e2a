import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One message between the host and a `livinglab-plugin-worker`, in either direction.
///
/// A flat record of optionals: each kind uses the members it needs. Wire form: a 4-byte
/// big-endian length, then that many bytes of JSON.
package struct WorkerMessage: Codable, Sendable {
    /// What the message is.
    package enum Kind: String, Codable, Sendable {
        /// Host → worker: load a library and create the plugin.
        case load
        /// Host → worker: activate a merchant.
        case activate
        /// Host → worker: handle a request.
        case handle
        /// Host → worker: deactivate a merchant.
        case deactivate
        /// Worker → host: the answer to one of the four above.
        case result
        /// Worker → host: the plugin called a host function.
        case host
        /// Host → worker: the answer to a host call.
        case hostResult
    }

    package var kind: Kind
    package var path: String?
    package var sha256: String?
    package var configuration: String?
    package var merchant: String?
    package var fields: [String: String]?
    package var arm: String?
    package var request: String?
    /// For `host`: logOutcome, merchantFields, armConfiguration, storageGet, storageSet, now, log.
    package var call: String?
    package var key: String?
    package var value: String?
    package var level: Int32?
    /// For `result`: the response JSON, or for `load` the manifest JSON.
    package var response: String?
    /// A failure's code name (PluginCallError or PluginLoadError), `nil` on success.
    package var error: String?
    /// A denial's code name and status.
    package var denial: String?
    package var denialStatus: Int32?
    package var message: String?
    /// Seconds since 1970, for `now`.
    package var time: Double?

    package init(_ kind: Kind) {
        self.kind = kind
    }
}

/// Reads and writes length-prefixed JSON frames on a file descriptor.
package struct WorkerChannel: Sendable {
    /// Why a frame could not be exchanged.
    package enum Failure: Error, Sendable {
        /// The other side closed the channel or died.
        case closed
        /// No frame arrived in time.
        case timedOut
        /// A frame was not a message.
        case malformed(String)
    }

    package let readFD: Int32
    package let writeFD: Int32

    /// The largest frame accepted; a bigger length prefix means the stream is corrupt.
    static let maximumFrame = 64 << 20

    package init(readFD: Int32, writeFD: Int32) {
        self.readFD = readFD
        self.writeFD = writeFD
    }

    package func send(_ message: WorkerMessage) throws(Failure) {
        let body: Data
        do {
            body = try JSONEncoder().encode(message)
        } catch {
            throw .malformed("cannot encode a worker message: \(error)")
        }
        var frame = Data()
        let length = UInt32(body.count).bigEndian
        withUnsafeBytes(of: length) { frame.append(contentsOf: $0) }
        frame.append(body)
        let complete = frame.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Bool in
            var offset = 0
            while offset < buffer.count {
                let written = Self.write(writeFD, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
        guard complete else { throw .closed }
    }

    /// Waits for the next message; `timeout` in seconds, `nil` waits for ever.
    package func receive(timeout: TimeInterval? = nil) throws(Failure) -> WorkerMessage {
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        let header = try read(count: 4, deadline: deadline)
        let length = header.withUnsafeBytes { Int(UInt32(bigEndian: $0.loadUnaligned(as: UInt32.self))) }
        guard length <= Self.maximumFrame else { throw .malformed("a frame of \(length) bytes is larger than allowed") }
        let body = try read(count: length, deadline: deadline)
        do {
            return try JSONDecoder().decode(WorkerMessage.self, from: body)
        } catch {
            throw .malformed("a frame is not a worker message: \(error)")
        }
    }

    private func read(count: Int, deadline: Date?) throws(Failure) -> Data {
        var data = Data(count: count)
        var offset = 0
        while offset < count {
            if let deadline {
                let remaining = deadline.timeIntervalSinceNow
                guard remaining > 0 else { throw .timedOut }
                var poller = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
                let ready = poll(&poller, 1, Int32(min(remaining * 1000, Double(Int32.max)).rounded(.up)))
                if ready < 0 {
                    if errno == EINTR { continue }
                    throw .closed
                }
                if ready == 0 { throw .timedOut }
            }
            let got = data.withUnsafeMutableBytes { buffer in
                Glibc.read(readFD, buffer.baseAddress! + offset, count - offset)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw .closed
            }
            if got == 0 { throw .closed }
            offset += got
        }
        return data
    }

    /// Writes without raising SIGPIPE when the reader has gone: the host must survive a dead worker.
    private static func write(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        let sent = Glibc.send(fd, bytes, count, Int32(MSG_NOSIGNAL))
        if sent < 0 && errno == ENOTSOCK { return Glibc.write(fd, bytes, count) }
        return sent
    }
}
