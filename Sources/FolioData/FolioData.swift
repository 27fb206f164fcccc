// FolioData
