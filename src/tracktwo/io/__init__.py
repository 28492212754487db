"""Files in and out: Pol.is export folders and scenario files, read into engine inputs."""
