// FolioDocument
