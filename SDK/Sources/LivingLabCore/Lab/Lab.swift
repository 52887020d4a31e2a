/// One living lab: its street, its coordinators (*référents*) and its partners.
public struct Lab: Codable, Sendable, Hashable {
    /// A person who runs the lab.
    public struct Coordinator: Codable, Sendable, Hashable {
        public var id: String
        public var name: String
        public var role: String?
        public init(id: String, name: String, role: String? = nil) {
            self.id = id
            self.name = name
            self.role = role
        }
    }

    /// A stretch of the street, in metres from its start.
    public struct Segment: Codable, Sendable, Hashable {
        public var name: String
        public var from: Int
        public var to: Int
        public init(name: String, from: Int, to: Int) {
            self.name = name
            self.from = from
            self.to = to
        }
    }

    public var id: String
    public var name: String
    public var area: String
    public var coordinators: [Coordinator]
    public var partners: [String]
    public var segments: [Segment]

    /// Creates a lab description.
    public init(id: String, name: String, area: String, coordinators: [Coordinator] = [], partners: [String] = [],
                segments: [Segment] = []) {
        self.id = id
        self.name = name
        self.area = area
        self.coordinators = coordinators
        self.partners = partners
        self.segments = segments
    }

    /// Checks the lab's id and segments.
    public func validate() throws(LabError) {
        try Identifier.validate(id, kind: "lab")
        for segment in segments where segment.from > segment.to {
            throw .invalid("Segment \(segment.name) runs from \(segment.from) m to \(segment.to) m: `from` must not exceed `to`.")
        }
    }

    /// Checks that a merchant stands on one of the lab's street segments (any segment, while the lab declares none).
    public func checkSegment(of merchant: Merchant) throws(LabError) {
        guard !segments.isEmpty, !segments.contains(where: { $0.name == merchant.segment }) else { return }
        throw .invalid("Merchant \(merchant.id) is on segment `\(merchant.segment)`, which the lab does not have: use one of \(segments.map(\.name).joined(separator: ", ")), or add the segment to lab.yaml.")
    }
}
