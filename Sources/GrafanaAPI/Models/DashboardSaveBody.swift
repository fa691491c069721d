public import Foundation
public import GFSValue

/// The body of `POST /api/dashboards/db`, `{"dashboard":…,"folderUid":…,"message":…,
/// "overwrite":…}`, built around a model already written as compact JSON.
///
/// The bytes are those `saveDashboard(model:)` writes for the same model, but the model is
/// copied in as it is instead of being written again from a tree: pushing a large dashboard
/// holds its text once, not a tree several times its size.
public struct DashboardSaveBody: Sendable, Hashable {
    /// The whole body, as sent.
    public private(set) var bytes: Data
    /// Where the model lies in `bytes`.
    public private(set) var modelRange: Range<Int>

    /// A body around `model`, one object as compact JSON (as `Value.jsonBytes()` writes it).
    public init(model: [UInt8], folderUID: String?, overwrite: Bool, message: String?) {
        var tail = JSONWriter()
        if let folderUID {
            tail.writeRaw(#","folderUid":"#.utf8)
            tail.writeString(folderUID)
        }
        if let message {
            tail.writeRaw(#","message":"#.utf8)
            tail.writeString(message)
        }
        tail.writeRaw((overwrite ? #","overwrite":true}"# : #","overwrite":false}"#).utf8)
        self.init(model: model, tail: tail.bytes)
    }

    private init(model: [UInt8], tail: some Collection<UInt8>) {
        let head = #"{"dashboard":"#.utf8
        var data = Data(capacity: head.count + model.count + tail.count)
        data.append(contentsOf: head)
        // From a buffer, so the model is copied with `memcpy` rather than byte by byte.
        model.withUnsafeBufferPointer { data.append($0) }
        data.append(contentsOf: tail)
        bytes = data
        modelRange = head.count..<(head.count + model.count)
    }

    /// The same body with the model's `uid` set to `uid` (in its place, or after the last
    /// member when the model has none), as setting it on the model's record does.
    public func replacingUID(_ uid: String) -> DashboardSaveBody {
        let model = bytes.withUnsafeBytes { raw -> [UInt8] in
            let buffer = raw.bindMemory(to: UInt8.self)
            if let copy = try? JSONReader.compactJSON(buffer, at: modelRange, replacing: ("uid", .string(uid))) {
                return copy
            }
            // A key written twice: the record decides which value stays.
            var record = Record()
            if case .record(let model)? = JSONReader.value(buffer, at: modelRange) { record = model }
            record["uid"] = .string(uid)
            return Value.record(record).jsonBytes()
        }
        return DashboardSaveBody(model: model, tail: bytes[modelRange.upperBound...])
    }
}

/// `GET /api/dashboards/uid/:uid` read to compare a dashboard, not to keep it: the metadata,
/// and a digest of the model instead of the model.
public struct DashboardFingerprint: Sendable, Hashable {
    /// The model's `JSONDigest`, without the top-level members the caller asked to ignore.
    /// A `dashboard` member that is not an object digests as an empty one.
    public var modelDigest: JSONDigest
    /// The metadata: folder, version, URL.
    public var meta: DashboardMeta
}
