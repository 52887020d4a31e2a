import Foundation
import LivingLabCore

/// A plugin's manifest as the host read it from the binary, after the loader's checks.
public struct PluginManifestInfo: Codable, Sendable, Hashable {
    /// An outcome metric the plugin declares.
    public struct Metric: Codable, Sendable, Hashable {
        /// Which way is better for the metric.
        public enum Direction: String, Codable, Sendable, Hashable {
            /// More is better.
            case increase
            /// Less is better.
            case decrease
        }

        /// The metric's name, unique in the manifest.
        public var name: String
        /// The unit of its values.
        public var unit: String
        /// Which way is better.
        public var direction: Direction

        /// Describes a metric.
        public init(name: String, unit: String, direction: Direction) {
            self.name = name
            self.unit = unit
            self.direction = direction
        }
    }

    /// Reverse-DNS identifier.
    public var id: String
    /// Semantic version.
    public var version: String
    /// The firm that ships the plugin.
    public var firm: String
    /// A human name.
    public var name: String
    /// One sentence on what the plugin does.
    public var summary: String
    /// The ABI version the manifest declares (equal to the descriptor's after checks).
    public var abiVersion: UInt32
    /// What the plugin does with the host.
    public var capabilities: [String]
    /// The outcome metrics it logs.
    public var metrics: [Metric]
    /// The merchant data categories it needs.
    public var dataCategories: [String]

    /// The plugin's identity: id, version and firm.
    public var identity: PluginIdentity { PluginIdentity(id: id, version: version, firm: firm) }

    /// The declared metric named `name`, if any.
    public func metric(named name: String) -> Metric? { metrics.first { $0.name == name } }

    enum CodingKeys: String, CodingKey {
        case id, version, firm, name, summary, capabilities, metrics
        case abiVersion = "abi_version"
        case dataCategories = "data_categories"
    }

    /// Describes a manifest.
    public init(
        id: String, version: String, firm: String, name: String, summary: String = "", abiVersion: UInt32,
        capabilities: [String] = [], metrics: [Metric] = [], dataCategories: [String] = []
    ) {
        self.id = id
        self.version = version
        self.firm = firm
        self.name = name
        self.summary = summary
        self.abiVersion = abiVersion
        self.capabilities = capabilities
        self.metrics = metrics
        self.dataCategories = dataCategories
    }

    /// Decodes the manifest; optional members default to empty, as the header documents.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        version = try container.decode(String.self, forKey: .version)
        firm = try container.decode(String.self, forKey: .firm)
        name = try container.decode(String.self, forKey: .name)
        summary = try container.decodeIfPresent(String.self, forKey: .summary) ?? ""
        abiVersion = try container.decode(UInt32.self, forKey: .abiVersion)
        capabilities = try container.decodeIfPresent([String].self, forKey: .capabilities) ?? []
        metrics = try container.decodeIfPresent([Metric].self, forKey: .metrics) ?? []
        dataCategories = try container.decodeIfPresent([String].self, forKey: .dataCategories) ?? []
    }

    /// The rules a manifest breaks, each as a sentence that says what to fix; empty when valid.
    public func problems(descriptorABIVersion: UInt32) -> [String] {
        var problems: [String] = []
        if id.isEmpty {
            problems.append("\"id\" is empty: give the plugin a reverse-DNS id such as com.example.stampcard")
        } else if !id.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "._-".unicodeScalars.contains($0)) }) {
            problems.append("\"id\" \"\(id)\" may only hold ASCII letters, digits, '.', '_' and '-'")
        }
        if (try? SemanticVersion(version)) == nil {
            problems.append("\"version\" \"\(version)\" is not a semantic version: use MAJOR.MINOR.PATCH such as 1.0.0")
        }
        if firm.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append("\"firm\" is empty: name the firm that answers for the plugin")
        }
        if name.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append("\"name\" is empty: give the plugin a human name")
        }
        if abiVersion != descriptorABIVersion {
            problems.append(
                "\"abi_version\" is \(abiVersion) but the descriptor says \(descriptorABIVersion): "
                    + "build the manifest and the descriptor from the same SDK")
        }
        var seen: Set<String> = []
        for metric in metrics {
            if metric.name.isEmpty { problems.append("a metric has an empty \"name\"") }
            if metric.unit.isEmpty { problems.append("metric \"\(metric.name)\" has an empty \"unit\": say \"count\", \"EUR\"...") }
            if !seen.insert(metric.name).inserted {
                problems.append("metric \"\(metric.name)\" is declared twice: metric names must be unique")
            }
        }
        return problems
    }
}
