"""Business operations of the web app; views call these and stay thin."""
