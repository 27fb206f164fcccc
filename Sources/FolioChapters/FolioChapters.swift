// FolioChapters
