"""Intelligence for the platform, in plain Python (numpy, scipy,
scikit-learn, jieba — no Django): classifying appeals, and later routing,
duplicates and hot issues. The case services call it; it never calls them."""
