"""iads.sensors"""
