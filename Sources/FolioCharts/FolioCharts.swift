// FolioCharts
