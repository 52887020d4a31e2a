/// Which way a metric should move for a feature to count as better.
public enum MetricDirection: String, Codable, Sendable {
    /// More is better (orders, revenue).
    case increase
    /// Less is better (no-shows, waiting time).
    case decrease
}

/// An outcome metric a plugin logs: its name, its unit and which way is better.
public struct MetricSpec: Codable, Sendable, Hashable {
    /// The metric's name, unique within the plugin: `"orders"`.
    public var name: String
    /// The unit of its values: `"count"`, `"EUR"`, `"ratio"`.
    public var unit: String
    /// Which way is better.
    public var direction: MetricDirection

    /// Describes a metric.
    public init(name: String, unit: String, direction: MetricDirection) {
        self.name = name
        self.unit = unit
        self.direction = direction
    }
}

/// What a plugin says about itself; the lab reads it before loading anything else.
///
/// The SDK adds the ABI version when it publishes the manifest, so a plugin cannot
/// declare one that disagrees with the binary.
public struct PluginManifest: Codable, Sendable, Hashable {
    /// Reverse-DNS identifier, stable across versions: `"com.example.stampcard"`.
    public var id: String
    /// Semantic version of this build: `"1.2.0"`.
    public var version: String
    /// The firm that ships and answers for the plugin.
    public var firm: String
    /// A human name shown to coordinators and merchants.
    public var name: String
    /// One sentence on what the plugin does for a merchant.
    public var summary: String
    /// What the plugin does with the host: `"requests"`, `"outcomes"`, `"storage"`...
    public var capabilities: [String]
    /// The outcome metrics the plugin logs; names are unique.
    public var metrics: [MetricSpec]
    /// The merchant data categories the plugin needs, checked against consent.
    public var dataCategories: [String]

    /// Describes a plugin.
    public init(
        id: String, version: String, firm: String, name: String, summary: String = "",
        capabilities: [String] = [], metrics: [MetricSpec] = [], dataCategories: [String] = []
    ) {
        self.id = id
        self.version = version
        self.firm = firm
        self.name = name
        self.summary = summary
        self.capabilities = capabilities
        self.metrics = metrics
        self.dataCategories = dataCategories
    }

    enum CodingKeys: String, CodingKey {
        case id, version, firm, name, summary, capabilities, metrics
        case dataCategories = "data_categories"
    }

    /// Missing optional members decode as empty, as the header documents.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        version = try container.decode(String.self, forKey: .version)
        firm = try container.decode(String.self, forKey: .firm)
        name = try container.decode(String.self, forKey: .name)
        summary = try container.decodeIfPresent(String.self, forKey: .summary) ?? ""
        capabilities = try container.decodeIfPresent([String].self, forKey: .capabilities) ?? []
        metrics = try container.decodeIfPresent([MetricSpec].self, forKey: .metrics) ?? []
        dataCategories = try container.decodeIfPresent([String].self, forKey: .dataCategories) ?? []
    }
}
