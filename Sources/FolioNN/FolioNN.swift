// FolioNN
