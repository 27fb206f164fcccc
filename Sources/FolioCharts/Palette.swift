extension ChartColor {
    /// The `index`-th colour of the theme's qualitative cycle, for callers that need
    /// to match a series' colour elsewhere (a legend in prose, a second panel).
    public static func cycle(_ index: Int) -> ChartColor { Theme.cycleColor(index) }
}
