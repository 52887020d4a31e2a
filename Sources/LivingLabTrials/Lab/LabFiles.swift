import Foundation
import LivingLabCore
import Yams

/// Reading the lab's files: lab and protocol YAML, sponsor, firm and shock CSV.
public enum LabFiles {
    /// Reads `lab.yaml`.
    public static func lab(at path: String) throws -> Lab {
        try decodeYAML(Lab.self, path: path)
    }

    /// Reads a protocol YAML file and loads its consent documents (paths relative to the YAML file).
    public static func protocolDefinition(at path: String) throws -> ExperimentProtocol {
        var definition = try decodeYAML(ExperimentProtocol.self, path: path)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var documents: [String: String] = [:]
        for (language, documentPath) in definition.consent.documents {
            let url = documentPath.hasPrefix("/") ? URL(fileURLWithPath: documentPath)
                : folder.appendingPathComponent(documentPath).standardizedFileURL
            do throws(LabError) {
                documents[language] = try readText(url.path)
            } catch {
                throw LabError(error.code, "The `\(language)` consent document of \(path) cannot be read: \(error.message)")
            }
        }
        definition.consent.documents = documents
        return definition
    }

    /// Reads a protocol sent as YAML text with its consent documents' texts by language (as the API receives it): each
    /// document the YAML names must be among `documents`.
    public static func protocolDefinition(yaml text: String, documents: [String: String]) throws -> ExperimentProtocol {
        var definition = try decodeYAML(ExperimentProtocol.self, text: text, path: "The protocol YAML")
        for language in definition.consent.documents.keys.sorted() where documents[language] == nil {
            throw LabError.invalid("The protocol names a `\(language)` consent document: send its text in `documents.\(language)`.")
        }
        definition.consent.documents = documents
        return definition
    }

    /// Decodes a YAML file, turning decoding errors into messages that name the field and the fix.
    ///
    /// The file is bounded before it is decoded (``InputLimits``): its size, how deep it nests, and how many nodes it
    /// holds once its aliases are expanded, so an alias bomb or a runaway nesting is refused in microseconds.
    public static func decodeYAML<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        try decodeYAML(type, text: try readText(path), path: path)
    }

    /// Decodes YAML text read from `path` (named in errors), bounded and explained as ``decodeYAML(_:path:)`` is.
    public static func decodeYAML<T: Decodable>(_ type: T.Type, text: String, path: String) throws -> T {
        guard text.utf8.count <= InputLimits.yamlBytes else {
            throw LabError.invalid("\(path) has \(text.utf8.count) bytes; lab and protocol files are at most \(InputLimits.yamlBytes / 1024) KiB: keep consent documents in their own files (`documents: {fr: fiche-fr.md}`).")
        }
        try checkNesting(text, path: path)
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw LabError.invalid("\(path) is empty: write the lab or protocol in it (see Examples/bordeaux).")
            }
            try checkSize(node, path: path)
            do {
                return try YAMLDecoder().decode(type, from: node)
            } catch let error as DecodingError {
                throw LabError.invalid("\(path)\(location(of: error, in: node)): \(describe(error, in: node))")
            }
        } catch let error as LabError {
            throw error
        } catch let error as DecodingError {
            throw LabError.invalid("\(path): \(describe(error))")
        } catch let error as YamlError {
            throw LabError.invalid("\(path) is not valid YAML: \(error). Check the indentation and quotes near that line.")
        } catch {
            throw LabError.invalid("\(path) could not be read: \(error)")
        }
    }

    /// Refuses text that nests deeper than the YAML reader may recurse: flow collections (`[`, `{`) counted outside
    /// quotes and comments, and block nesting by indentation (`- ` sequence marks count as indentation).
    static func checkNesting(_ text: String, path: String) throws(LabError) {
        var flow = 0, line = 1
        var quote: Character? = nil, comment = false, atLineStart = true, indentation = 0
        for character in text {
            if character == "\n" {
                line += 1
                comment = false
                atLineStart = true
                indentation = 0
                continue
            }
            if atLineStart {
                if character == " " || character == "-" { indentation += 1; continue }
                atLineStart = false
                guard indentation <= 4 * InputLimits.yamlDepth else {
                    throw .invalid("\(path), line \(line): indented \(indentation) columns deep; lab and protocol files nest at most \(InputLimits.yamlDepth) levels: flatten that part.")
                }
            }
            if comment { continue }
            if let open = quote {
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case "#": comment = true
            case "[", "{":
                flow += 1
                guard flow <= InputLimits.yamlDepth else {
                    throw .invalid("\(path), line \(line): `[` and `{` nest more than \(InputLimits.yamlDepth) levels deep: flatten that part.")
                }
            case "]", "}": flow = max(0, flow - 1)
            default: break
            }
        }
    }

    /// Counts the document's nodes as decoding would see them (aliases expanded), stopping at the limit.
    static func checkSize(_ root: Node, path: String) throws(LabError) {
        var pending: [(node: Node, depth: Int)] = [(root, 1)]
        var count = 0
        while let (node, depth) = pending.popLast() {
            count += 1
            guard count <= InputLimits.yamlNodes else {
                throw .invalid("\(path) holds more than \(InputLimits.yamlNodes) values once its aliases (`*name`) are expanded: write the values out, without aliases.")
            }
            guard depth <= InputLimits.yamlDepth else {
                throw .invalid("\(path) nests more than \(InputLimits.yamlDepth) levels deep: flatten that part.")
            }
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    pending.append((key, depth + 1))
                    pending.append((value, depth + 1))
                }
            case .sequence(let sequence):
                for item in sequence { pending.append((item, depth + 1)) }
            case .scalar, .alias:
                break
            }
        }
    }

    /// The node a decoding error is about: the deepest one its coding path reaches.
    static func node(at codingPath: [any CodingKey], in root: Node) -> Node {
        var node = root
        for key in codingPath {
            if let index = key.intValue, let sequence = node.sequence, index < sequence.count {
                node = sequence[sequence.index(sequence.startIndex, offsetBy: index)]
            } else if let mapping = node.mapping, let value = mapping.first(where: { $0.key.string == key.stringValue })?.value {
                node = value
            } else {
                break
            }
        }
        return node
    }

    /// `, line L, column C` of the node a decoding error is about, when the YAML says where it is.
    static func location(of error: DecodingError, in root: Node) -> String {
        let codingPath: [any CodingKey] = switch error {
        case .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
             .dataCorrupted(let context): context.codingPath
        @unknown default: []
        }
        guard let mark = node(at: codingPath, in: root).mark else { return "" }
        return ", line \(mark.line), column \(mark.column)"
    }

    /// A decoding error as a sentence that names the field, what was expected (with an example) and what was found.
    static func describe(_ error: DecodingError, in root: Node) -> String {
        guard case .typeMismatch(let type, let context) = error else { return describe(error) }
        let found: String = switch node(at: context.codingPath, in: root) {
        case .mapping: "a mapping (`key: value` lines)"
        case .sequence: "a list"
        case .scalar(let scalar): "`\(scalar.string)`"
        case .alias: "an alias"
        }
        let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        let field = text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "the top level" : text)
        return "`\(field)` should be \(describe(type)), but it is \(found)."
    }

    /// A decoding error as a sentence that names the field.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "the top level" : text)
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return "`\(field)` is missing: add it."
        case .typeMismatch(let type, let context):
            return "`\(path(context.codingPath))` should be \(describe(type)): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "`\(path(context.codingPath))` is empty: give \(describe(type))."
        case .dataCorrupted(let context):
            return "`\(path(context.codingPath))`: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Int.Type, is UInt64.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default:
            // The YAML decoder names its own node types (`Sequence`, `Mapping`) where an array or a record was expected.
            switch String(describing: type) {
            case let name where name.hasPrefix("Array") || name.hasSuffix("Sequence"):
                "a list, e.g. `[a, b]` or one `- item` line per item"
            case let name where name.hasPrefix("Dictionary") || name.hasSuffix("Mapping"):
                "a mapping, e.g. `{name: control, control: true}` or `key: value` lines"
            case let name: "a \(name)"
            }
        }
    }

    /// Reads `firms.csv` (`id,name,contact,summary`).
    public static func firms(at path: String) throws -> [Firm] {
        let table = try CSVTable(parsing: try readText(path), required: ["id", "name"])
        return table.rows.map { Firm(id: $0["id"] ?? "", name: $0["name"] ?? "", contact: $0["contact"], summary: $0["summary"]) }
    }

    /// Reads `sponsors.csv` (`id,name,charter_version,employer,skills,contact`).
    public static func sponsors(at path: String) throws -> [Sponsor] {
        let table = try CSVTable(parsing: try readText(path), required: ["id", "name", "charter_version"])
        return table.rows.map {
            Sponsor(id: $0["id"] ?? "", name: $0["name"] ?? "", charterVersion: $0["charter_version"] ?? "",
                    employerFirmID: $0["employer"], skills: ($0["skills"] ?? "").split(separator: ";").map { String($0).trimmed },
                    contact: $0["contact"])
        }
    }

    /// Reads `shocks.csv` (`id,kind,segments,start,end,description`, segments separated by `;`).
    public static func shocks(at path: String) throws -> [Shock] {
        let table = try CSVTable(parsing: try readText(path), required: ["id", "kind", "segments", "start", "end"])
        var shocks: [Shock] = []
        var problems: [RowProblem] = []
        for row in table.rows {
            do throws(LabError) {
                let shock = Shock(id: row["id"] ?? "", kind: row["kind"] ?? "",
                                  segments: (row["segments"] ?? "").split(separator: ";").map { String($0).trimmed },
                                  period: DayRange(start: try CalendarDay(row["start"] ?? ""), end: try CalendarDay(row["end"] ?? "")),
                                  description: row["description"] ?? "")
                try shock.validate()
                shocks.append(shock)
            } catch {
                problems.append(RowProblem(line: row.line, reason: error.message))
            }
        }
        if !problems.isEmpty {
            throw LabError.invalid("\(path) has bad rows, nothing was imported:\n  " + problems.map(\.description).joined(separator: "\n  "))
        }
        return shocks
    }

    /// Reads a text file, with an error that names it and says what to do.
    public static func readText(_ path: String) throws(LabError) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw LabError.notFound("There is no file at \(path): check the path.")
        }
        guard !isFolder.boolValue else { throw LabError.invalid("\(path) is a folder: name a file in it.") }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw LabError.invalid("\(path) could not be read as UTF-8 text: save it as UTF-8.")
        }
        return text
    }
}
