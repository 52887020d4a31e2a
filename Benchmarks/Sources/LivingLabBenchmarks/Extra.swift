/// Figures that need the runtime and the analysis modules; added as those land.
func extraFigures(quick: Bool) -> [(name: String, body: () throws -> Figure)] { [] }
